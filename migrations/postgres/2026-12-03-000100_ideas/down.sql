DROP TABLE idea_status_change;
DROP TABLE idea;
