{#- An 8-byte floating-point type on every engine (dbt.type_float() is 4 bytes on
    DuckDB and Spark): DuckDB and Spark spell it double, PostgreSQL double precision. -#}
{% macro double_type() -%}
    {{ return(adapter.dispatch('double_type', 'juvonno_dq')()) }}
{%- endmacro %}

{% macro default__double_type() -%}
    double precision
{%- endmacro %}

{% macro duckdb__double_type() -%}
    double
{%- endmacro %}

{% macro spark__double_type() -%}
    double
{%- endmacro %}
