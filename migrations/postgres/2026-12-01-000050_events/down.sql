DROP TABLE person_block;
DROP TABLE notification_preference;
DROP TABLE notification;
DROP TABLE event_consumer;
DROP TABLE event;
