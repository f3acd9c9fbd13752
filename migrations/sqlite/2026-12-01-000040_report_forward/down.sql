DROP TABLE report_forward;
