module example.com/echov5fix

go 1.26

require github.com/labstack/echo/v5 v5.3.1
