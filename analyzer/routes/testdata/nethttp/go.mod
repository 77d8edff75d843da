module example.com/nethttpfix

go 1.26
