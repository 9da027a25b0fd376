{#- The as-of date D of the export, as a SQL date literal. Set by the runner
    (--vars as_of_date); a hand-run `dbt build` without it evaluates as of today. -#}
{% macro as_of_date() -%}
    {%- set value = var('as_of_date') or modules.datetime.date.today().isoformat() -%}
    cast('{{ value }}' as date)
{%- endmacro %}
