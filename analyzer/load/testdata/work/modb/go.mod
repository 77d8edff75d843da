module example.com/modb

go 1.26

require example.com/moda v0.0.0
