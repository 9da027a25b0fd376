{#- A text expression to order by byte (code point) order on every engine, so
    `Therapy; iCBT` sorts the same on DuckDB (binary by default) and PostgreSQL
    (whose default collation may be linguistic). -#}
{% macro binary_sort_key(expr) -%}
    {{ return(adapter.dispatch('binary_sort_key', 'juvonno_dq')(expr)) }}
{%- endmacro %}

{% macro default__binary_sort_key(expr) -%}
    {{ expr }}
{%- endmacro %}

{% macro postgres__binary_sort_key(expr) -%}
    ({{ expr }}) collate "C"
{%- endmacro %}
