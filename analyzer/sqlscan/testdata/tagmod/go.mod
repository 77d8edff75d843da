module example.com/tagmod

go 1.26

require github.com/jmoiron/sqlx v1.4.0
