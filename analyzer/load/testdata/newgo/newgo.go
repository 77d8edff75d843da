package newgo
