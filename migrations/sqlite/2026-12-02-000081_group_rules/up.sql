-- A group's rules, in Markdown (as written) and rendered, shown on its page.
ALTER TABLE grp ADD COLUMN rules_source TEXT;
ALTER TABLE grp ADD COLUMN rules_html TEXT;
