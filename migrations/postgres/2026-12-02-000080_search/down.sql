DROP INDEX post_search_idx;
ALTER TABLE post DROP COLUMN search_vector;
DROP INDEX comment_search_idx;
ALTER TABLE comment DROP COLUMN search_vector;
DROP INDEX grp_search_idx;
ALTER TABLE grp DROP COLUMN search_vector;
DROP INDEX person_search_idx;
ALTER TABLE person DROP COLUMN search_vector;
