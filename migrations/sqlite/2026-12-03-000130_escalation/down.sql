DROP TABLE question_escalation;
DROP TABLE response_target;
