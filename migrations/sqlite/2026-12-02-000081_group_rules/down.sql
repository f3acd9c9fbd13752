ALTER TABLE grp DROP COLUMN rules_html;
ALTER TABLE grp DROP COLUMN rules_source;
