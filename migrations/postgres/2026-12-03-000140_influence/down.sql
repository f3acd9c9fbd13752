DROP TABLE influence_score;
