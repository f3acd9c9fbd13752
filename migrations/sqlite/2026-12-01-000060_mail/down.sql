DROP INDEX notification_mail;
DROP TABLE mail_account;
DROP TABLE mail_token;
DROP TABLE mail;
