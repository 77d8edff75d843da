module example.com/moda

go 1.26
