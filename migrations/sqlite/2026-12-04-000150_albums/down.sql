DROP TABLE album_media;
DROP TABLE album;
