module example.com/chiv4fix

go 1.26

require github.com/go-chi/chi v4.1.2+incompatible
