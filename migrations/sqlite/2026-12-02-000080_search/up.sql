-- Full-text search (src/store/search.rs): one FTS5 index per searchable
-- table, as external-content tables (the text stays in its table; the
-- index holds only the tokens). Triggers keep each index current on every
-- insert, update of the indexed columns, and delete, whoever writes: the
-- rules, received activities, the admin CLI, a bulk load. They run inside
-- the writing statement's transaction, so the index never lags the table.
-- Rows are indexed whatever their state; removed, deleted and held rows
-- are left out when searching, so restoring one needs no re-indexing.
-- Tokens: Unicode words, accents folded, English stems (porter).

CREATE VIRTUAL TABLE post_fts USING fts5(
    title, body_source,
    content = 'post', content_rowid = 'id',
    tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE TRIGGER post_fts_insert AFTER INSERT ON post BEGIN
    INSERT INTO post_fts (rowid, title, body_source) VALUES (new.id, new.title, new.body_source);
END;
CREATE TRIGGER post_fts_delete AFTER DELETE ON post BEGIN
    INSERT INTO post_fts (post_fts, rowid, title, body_source) VALUES ('delete', old.id, old.title, old.body_source);
END;
CREATE TRIGGER post_fts_update AFTER UPDATE OF title, body_source ON post BEGIN
    INSERT INTO post_fts (post_fts, rowid, title, body_source) VALUES ('delete', old.id, old.title, old.body_source);
    INSERT INTO post_fts (rowid, title, body_source) VALUES (new.id, new.title, new.body_source);
END;
INSERT INTO post_fts (post_fts) VALUES ('rebuild');

CREATE VIRTUAL TABLE comment_fts USING fts5(
    body_source,
    content = 'comment', content_rowid = 'id',
    tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE TRIGGER comment_fts_insert AFTER INSERT ON comment BEGIN
    INSERT INTO comment_fts (rowid, body_source) VALUES (new.id, new.body_source);
END;
CREATE TRIGGER comment_fts_delete AFTER DELETE ON comment BEGIN
    INSERT INTO comment_fts (comment_fts, rowid, body_source) VALUES ('delete', old.id, old.body_source);
END;
CREATE TRIGGER comment_fts_update AFTER UPDATE OF body_source ON comment BEGIN
    INSERT INTO comment_fts (comment_fts, rowid, body_source) VALUES ('delete', old.id, old.body_source);
    INSERT INTO comment_fts (rowid, body_source) VALUES (new.id, new.body_source);
END;
INSERT INTO comment_fts (comment_fts) VALUES ('rebuild');

CREATE VIRTUAL TABLE grp_fts USING fts5(
    name, title, description_source,
    content = 'grp', content_rowid = 'id',
    tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE TRIGGER grp_fts_insert AFTER INSERT ON grp BEGIN
    INSERT INTO grp_fts (rowid, name, title, description_source) VALUES (new.id, new.name, new.title, new.description_source);
END;
CREATE TRIGGER grp_fts_delete AFTER DELETE ON grp BEGIN
    INSERT INTO grp_fts (grp_fts, rowid, name, title, description_source) VALUES ('delete', old.id, old.name, old.title, old.description_source);
END;
CREATE TRIGGER grp_fts_update AFTER UPDATE OF name, title, description_source ON grp BEGIN
    INSERT INTO grp_fts (grp_fts, rowid, name, title, description_source) VALUES ('delete', old.id, old.name, old.title, old.description_source);
    INSERT INTO grp_fts (rowid, name, title, description_source) VALUES (new.id, new.name, new.title, new.description_source);
END;
INSERT INTO grp_fts (grp_fts) VALUES ('rebuild');

CREATE VIRTUAL TABLE person_fts USING fts5(
    name, display_name, bio_source,
    content = 'person', content_rowid = 'id',
    tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE TRIGGER person_fts_insert AFTER INSERT ON person BEGIN
    INSERT INTO person_fts (rowid, name, display_name, bio_source) VALUES (new.id, new.name, new.display_name, new.bio_source);
END;
CREATE TRIGGER person_fts_delete AFTER DELETE ON person BEGIN
    INSERT INTO person_fts (person_fts, rowid, name, display_name, bio_source) VALUES ('delete', old.id, old.name, old.display_name, old.bio_source);
END;
CREATE TRIGGER person_fts_update AFTER UPDATE OF name, display_name, bio_source ON person BEGIN
    INSERT INTO person_fts (person_fts, rowid, name, display_name, bio_source) VALUES ('delete', old.id, old.name, old.display_name, old.bio_source);
    INSERT INTO person_fts (rowid, name, display_name, bio_source) VALUES (new.id, new.name, new.display_name, new.bio_source);
END;
INSERT INTO person_fts (person_fts) VALUES ('rebuild');
