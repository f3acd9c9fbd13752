-- Full-text search (src/store/search.rs): a generated tsvector column on
-- each searchable table, with a GIN index. PostgreSQL computes the column
-- in the statement that writes the row, whoever writes it (the rules,
-- received activities, the admin CLI, a bulk load), so the index is never
-- behind the table and no code has to remember to refresh it. Rows are
-- indexed whatever their state; removed, deleted and held rows are left
-- out when searching. Titles and names weigh A, text B.
-- The configuration is named ('english'), which makes to_tsvector
-- immutable, as a generated column requires. Names use 'simple' (no
-- stemming of handles).

ALTER TABLE post ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english', title), 'A') ||
    setweight(to_tsvector('english', body_source), 'B')
) STORED;
CREATE INDEX post_search_idx ON post USING GIN (search_vector);

ALTER TABLE comment ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    to_tsvector('english', body_source)
) STORED;
CREATE INDEX comment_search_idx ON comment USING GIN (search_vector);

ALTER TABLE grp ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('simple', name), 'A') ||
    setweight(to_tsvector('english', title), 'A') ||
    setweight(to_tsvector('english', coalesce(description_source, '')), 'B')
) STORED;
CREATE INDEX grp_search_idx ON grp USING GIN (search_vector);

ALTER TABLE person ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('simple', name), 'A') ||
    setweight(to_tsvector('english', coalesce(display_name, '')), 'A') ||
    setweight(to_tsvector('english', coalesce(bio_source, '')), 'B')
) STORED;
CREATE INDEX person_search_idx ON person USING GIN (search_vector);
