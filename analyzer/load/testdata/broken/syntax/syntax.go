package syntax

func Oops( {
