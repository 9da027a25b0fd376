{#- on-run-start: dbt run by hand on the dev target needs the development warehouse
    `juvonno-dq dev` fills. Without it, one clear line instead of a build that fails
    on every model. The runner's targets (duckdb, postgres) are never checked. -#}
{% macro require_dev_warehouse() -%}
    {%- if execute and target.name == 'dev' -%}
        {%- set found = run_query(
            "select count(*) from information_schema.tables"
            ~ " where table_schema = 'juvonno_dev_context' and table_name = 'as_of'"
        ) -%}
        {%- if found.columns[0].values()[0] == 0 -%}
            {{- exceptions.raise_compiler_error(
                "No development warehouse at " ~ target.path ~ " yet. Load an export into it first: "
                ~ ".venv/bin/juvonno-dq dev --export-dir DIR (README: Run dbt by hand)."
            ) -}}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}
