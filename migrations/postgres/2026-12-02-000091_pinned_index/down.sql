DROP INDEX post_group_pinned;
