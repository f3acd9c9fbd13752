-- Albums: a member's selection of the images of one group, in their
-- order. An album belongs to its group (its privacy is the group's); its
-- images stay when it is deleted, and leave it when they are deleted.
CREATE TABLE album (
    id BIGSERIAL PRIMARY KEY,
    group_id BIGINT NOT NULL REFERENCES grp(id) ON DELETE CASCADE,
    owner_id BIGINT NOT NULL REFERENCES person(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE INDEX album_group ON album (group_id, id);

CREATE TABLE album_media (
    album_id BIGINT NOT NULL REFERENCES album(id) ON DELETE CASCADE,
    media_id BIGINT NOT NULL REFERENCES media(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    added_at TIMESTAMP NOT NULL,
    PRIMARY KEY (album_id, media_id)
);

CREATE INDEX album_media_media ON album_media (media_id);
