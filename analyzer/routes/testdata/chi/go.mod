module example.com/chifix

go 1.26

require github.com/go-chi/chi/v5 v5.2.1
