DROP TABLE feed_token;
DROP TABLE article;
