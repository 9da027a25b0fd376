{#-
    Words for sop-rules.md: a *word* is a maximal run of Unicode letters after
    lower-casing, so `Test`, `TEST1` and `qa.test` hold the word `test`, while
    `Contestant` and `Testa` do not.

    split_words(text_expr): a set-returning select-list expression giving one row
    per word of lower(text_expr) (plus possibly empty strings at the edges, which
    match no word). Matching is then a plain equi-join of words to the
    account_patterns seed: one constant regular expression for all rows (a
    pattern built from seed values per row would be recompiled per row: minutes
    at a million customers).

    The letter class differs by engine: DuckDB's RE2 knows `\p{L}`; PostgreSQL's
    ARE knows `[[:alpha:]]`, Unicode-aware under a UTF-8 database.
-#}
{% macro split_words(text_expr) -%}
    {{ return(adapter.dispatch('split_words', 'juvonno_dq')(text_expr)) }}
{%- endmacro %}

{% macro default__split_words(text_expr) -%}
    regexp_split_to_table(lower({{ text_expr }}), '[^[:alpha:]]+')
{%- endmacro %}

{#- PostgreSQL: lower() and [[:alpha:]] follow the collation, and under a "C"
    database default both are ASCII-only (`TESTÉ` would give the word `test`).
    ICU's root collation makes them Unicode-aware on any server built with ICU;
    the words go back to the default collation for the join. -#}
{% macro postgres__split_words(text_expr) -%}
    regexp_split_to_table(lower(({{ text_expr }}) collate "und-x-icu"), '[^[:alpha:]]+') collate "default"
{%- endmacro %}

{% macro duckdb__split_words(text_expr) -%}
    unnest(regexp_split_to_array(lower({{ text_expr }}), '[^\p{L}]+'))
{%- endmacro %}

{#- Spark: Java's regular expressions know `\p{L}`; lower() is Unicode-aware. -#}
{% macro spark__split_words(text_expr) -%}
    explode(split(lower({{ text_expr }}), '[^\\p{L}]+'))
{%- endmacro %}
