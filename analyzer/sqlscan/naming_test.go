package sqlscan

import "testing"

// TestORMNaming checks the default table naming of bun (internal.Underscore + plural) and
// xorm (names.SnakeMapper), as the libraries' sources define them.
func TestORMNaming(t *testing.T) {
	bun := map[string]string{
		"User": "users", "OrderItem": "order_items", "UserID": "user_ids", "HTMLParser": "html_parsers",
		"HeaderFilterAllow": "header_filter_allows", "Category": "categories", "Status": "statuses",
	}
	for in, want := range bun {
		if got := gormPlural(bunUnderscore(in)); got != want {
			t.Errorf("bun name of %s = %q, want %q", in, got, want)
		}
	}
	xorm := map[string]string{"User": "user", "OrderItem": "order_item", "APIToken": "a_p_i_token", "": ""}
	for in, want := range xorm {
		if got := xormSnake(in); got != want {
			t.Errorf("xorm name of %s = %q, want %q", in, got, want)
		}
	}
	if isStringType(nil) {
		t.Error("isStringType(nil) = true")
	}
}
