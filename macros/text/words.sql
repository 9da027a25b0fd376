{#-
    Word matching for sop-rules.md: a *word* is a maximal run of Unicode letters
    after lower-casing. `text` holds the word `w` exactly when `w` occurs in
    lower(text) with no letter immediately before or after it, so `Test`, `TEST1`
    and `qa.test` hold `test`, while `Contestant` and `Testa` do not.

    has_word(text_expr, words_alternation_expr): a boolean (NULL when text_expr is
    NULL; coalesce at the call site). words_alternation_expr is a SQL string
    expression holding one word or several joined by `|` (letters only, so no
    regex escaping is needed: the account_patterns seed documents that).

    The letter class differs by engine: DuckDB's RE2 knows `\p{L}`; PostgreSQL's
    ARE knows `[[:alpha:]]`, which is Unicode-aware under a UTF-8 database.
-#}
{% macro has_word(text_expr, words_expr) -%}
    {{ return(adapter.dispatch('has_word', 'juvonno_dq')(text_expr, words_expr)) }}
{%- endmacro %}

{% macro default__has_word(text_expr, words_expr) -%}
    (lower({{ text_expr }}) ~ ('(^|[^[:alpha:]])(' || {{ words_expr }} || ')([^[:alpha:]]|$)'))
{%- endmacro %}

{% macro postgres__has_word(text_expr, words_expr) -%}
    (lower({{ text_expr }}) ~ ('(^|[^[:alpha:]])(' || {{ words_expr }} || ')([^[:alpha:]]|$)'))
{%- endmacro %}

{% macro duckdb__has_word(text_expr, words_expr) -%}
    regexp_matches(lower({{ text_expr }}), '(^|[^\p{L}])(' || {{ words_expr }} || ')([^\p{L}]|$)')
{%- endmacro %}
