DROP INDEX question_escalation_asked;
DROP INDEX membership_created;
DROP INDEX vote_created;
DROP INDEX comment_created;
DROP INDEX post_created;
DROP TABLE analytics_activity;
DROP TABLE analytics_day;
