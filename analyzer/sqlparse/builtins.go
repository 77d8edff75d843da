package sqlparse

// builtins are functions of PostgreSQL and MySQL that are never reported as
// calls. The CockroachDB parser module does not ship its builtin registry
// (tree.FunDefs is empty without the builtins package), so the list is ours.
var builtins = map[string]bool{}

func init() {
	for _, n := range []string{
		// aggregates and window functions
		"count", "sum", "avg", "min", "max", "array_agg", "string_agg", "json_agg", "jsonb_agg", "json_object_agg",
		"jsonb_object_agg", "bool_and", "bool_or", "every", "bit_and", "bit_or", "group_concat", "stddev", "variance",
		"row_number", "rank", "dense_rank", "percent_rank", "cume_dist", "ntile", "lag", "lead", "first_value",
		"last_value", "nth_value", "percentile_cont", "percentile_disc", "mode", "any_value", "json_arrayagg", "json_objectagg",
		// conditionals
		"coalesce", "nullif", "greatest", "least", "if", "ifnull", "isnull", "nvl",
		// strings
		"lower", "upper", "length", "char_length", "character_length", "octet_length", "bit_length", "concat", "concat_ws",
		"substring", "substr", "trim", "ltrim", "rtrim", "btrim", "replace", "position", "strpos", "instr", "locate",
		"left", "right", "lpad", "rpad", "repeat", "reverse", "split_part", "initcap", "format", "md5", "sha1", "sha2",
		"encode", "decode", "to_hex", "regexp_replace", "regexp_matches", "regexp_match", "regexp_split_to_array",
		"regexp_like", "regexp_substr", "translate", "ascii", "chr", "char", "quote_ident", "quote_literal", "lcase", "ucase",
		"hex", "unhex", "uuid", "gen_random_uuid", "uuid_generate_v4", "string_to_array", "array_to_string", "starts_with",
		"field", "find_in_set", "soundex", "space", "insert", "elt", "mid", "format_type",
		// numbers
		"abs", "ceil", "ceiling", "floor", "round", "trunc", "truncate", "mod", "power", "pow", "sqrt", "exp", "ln", "log",
		"log10", "sign", "random", "rand", "pi", "degrees", "radians", "div", "width_bucket", "cast", "convert",
		// dates
		"now", "current_timestamp", "current_date", "current_time", "localtime", "localtimestamp", "date_trunc",
		"date_part", "extract", "age", "to_char", "to_date", "to_timestamp", "to_number", "make_date", "make_interval",
		"clock_timestamp", "statement_timestamp", "transaction_timestamp", "timezone", "date", "time", "timestamp",
		"year", "month", "day", "hour", "minute", "second", "week", "dayofweek", "dayofmonth", "dayofyear",
		"date_add", "date_sub", "adddate", "subdate", "datediff", "timestampdiff", "timestampadd", "date_format",
		"str_to_date", "unix_timestamp", "from_unixtime", "utc_timestamp", "utc_date", "curdate", "curtime", "sysdate",
		"last_day", "weekday", "yearweek", "quarter", "period_diff", "justify_days", "justify_hours", "isfinite",
		"generate_series", "unnest", "array_length", "array_position", "array_remove", "array_append", "array_cat",
		"cardinality", "array_upper", "array_lower", "array_dims",
		// json
		"json_build_object", "jsonb_build_object", "json_build_array", "jsonb_build_array", "to_json", "to_jsonb",
		"row_to_json", "json_extract", "json_unquote", "json_object", "json_array", "json_contains", "jsonb_set",
		"jsonb_insert", "json_extract_path", "json_extract_path_text", "jsonb_extract_path", "jsonb_extract_path_text",
		"jsonb_array_elements", "json_array_elements", "jsonb_each", "json_each", "jsonb_typeof", "json_typeof",
		"jsonb_strip_nulls", "jsonb_array_length", "json_array_length", "json_set", "json_length", "json_valid",
		"jsonb_path_query", "jsonb_agg_strict",
		// sequences, system, misc
		"nextval", "currval", "setval", "lastval", "last_insert_id", "row_count", "found_rows", "version", "database",
		"current_user", "session_user", "user", "current_schema", "current_database", "pg_advisory_lock",
		"pg_advisory_unlock", "pg_try_advisory_lock", "pg_advisory_xact_lock", "pg_try_advisory_xact_lock",
		"pg_sleep", "sleep", "get_lock", "release_lock", "txid_current", "pg_backend_pid", "connection_id",
		"to_tsvector", "to_tsquery", "plainto_tsquery", "websearch_to_tsquery", "ts_rank", "ts_rank_cd", "ts_headline",
		"setweight", "similarity", "match", "against", "values", "exists", "row", "array", "inet_aton", "inet_ntoa",
		"crypt", "gen_salt", "digest", "hmac", "st_distance", "st_dwithin", "st_makepoint", "st_setsrid",
		"pg_notify", "set_config", "current_setting", "has_table_privilege", "pg_column_size", "octet", "bool",
		"int", "int4", "int8", "text", "varchar", "numeric", "float8", "jsonb", "json", "unix_timestamp_ms",
	} {
		builtins[n] = true
	}
}

// isBuiltin reports whether name (lower case, maybe schema-qualified) is a
// built-in function. sqlc's macros (sqlc.arg, sqlc.narg, sqlc.slice) count
// as built-ins.
func isBuiltin(name string) bool {
	if builtins[name] {
		return true
	}
	for _, p := range []string{"pg_catalog.", "crdb_internal.", "information_schema.", "sqlc."} {
		if len(name) > len(p) && name[:len(p)] == p {
			return true
		}
	}
	return false
}
