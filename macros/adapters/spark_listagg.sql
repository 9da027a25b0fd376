{#- listagg on Spark with its order: dbt-spark's ignores order_by_clause (with a
    warning), so `Therapy; Triage` could come out `Triage; Therapy`. The values are
    collected with their sort key, sorted (Spark compares strings by code point,
    as DuckDB does), then joined. Nulls are skipped, as string_agg does.
    order_by_clause is `order by <expression>` (ascending), as the models write it. -#}
{% macro spark__listagg(measure, delimiter_text, order_by_clause, limit_num) -%}
    {%- if order_by_clause -%}
        {%- set key = order_by_clause | trim -%}
        {%- if key[:9] | lower != 'order by ' or ' desc' in (key | lower) -%}
            {{ exceptions.raise_compiler_error("spark__listagg takes 'order by <expression>' (ascending), not: " ~ order_by_clause) }}
        {%- endif -%}
        {%- set collected -%}
            transform(array_sort(collect_list(struct({{ key[9:] }} as sort_key, {{ measure }} as value))), entry -> entry.value)
        {%- endset -%}
    {%- else -%}
        {%- set collected -%} collect_list({{ measure }}) {%- endset -%}
    {%- endif -%}
    {%- if limit_num -%}
        {%- set collected -%} slice({{ collected }}, 1, {{ limit_num }}) {%- endset -%}
    {%- endif -%}
    {{ return('array_join(' ~ collected ~ ', ' ~ delimiter_text ~ ')') }}
{%- endmacro %}
