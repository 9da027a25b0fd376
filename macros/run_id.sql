{#- The runner's run id (JUVONNO_DQ_RUN_ID, set per run by runner/dbt.py), else
    --vars run_id, else 'manual'. By environment, read only when executing, so that
    partial parsing survives the change every run (see as_of_date()). -#}
{% macro run_id() -%}
    {%- set from_vars = var('run_id', 'manual') -%}
    {{ return(from_vars if from_vars != 'manual' else (env_var('JUVONNO_DQ_RUN_ID', 'manual') if execute else 'manual')) }}
{%- endmacro %}
