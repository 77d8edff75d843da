module example.com/newgo

go 1.99.0
