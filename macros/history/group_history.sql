{#- Group history: how the project remembers, across exports, which group set
    each customer was in (docs/notes/spark.md).

    `snapshot` (DuckDB, PostgreSQL, Databricks with Delta): the dbt snapshot
    snp_customer_groups, one record per unbroken stretch.
    `append` (Spark without Delta/Iceberg, where snapshots need `merge`):
    int_customer_group_history, one partition per as-of date, replaced when the
    same date runs again; the stretches are computed from it (gaps and islands).

    Chosen by the var `group_history` or the environment JUVONNO_DQ_GROUP_HISTORY
    (`snapshot` | `append`), else by the adapter. dbt_project.yml repeats this
    choice for the snapshot's `enabled` (macros cannot be called there): keep both
    in step. -#}

{% macro group_history_strategy() -%}
    {%- set chosen = var('group_history', none) or env_var('JUVONNO_DQ_GROUP_HISTORY', '') -%}
    {%- if chosen -%}
        {%- if chosen not in ('snapshot', 'append') -%}
            {{ exceptions.raise_compiler_error("group_history must be 'snapshot' or 'append', not '" ~ chosen ~ "'") }}
        {%- endif -%}
        {{ return(chosen) }}
    {%- endif -%}
    {{ return(adapter.dispatch('group_history_strategy')()) }}
{%- endmacro %}

{% macro default__group_history_strategy() -%}
    {{ return('snapshot') }}
{%- endmacro %}

{% macro spark__group_history_strategy() -%}
    {{ return('append') }}
{%- endmacro %}

{#- The incremental strategy that replaces one as-of date's rows of a history
    keyed by as_of_date (unique_key elsewhere, partition_by on Spark, where
    delete+insert and merge need Delta). Used by the group and findings histories. -#}
{% macro as_of_date_incremental_strategy() -%}
    {{ return(adapter.dispatch('as_of_date_incremental_strategy')()) }}
{%- endmacro %}

{% macro default__as_of_date_incremental_strategy() -%}
    {{ return('delete+insert') }}
{%- endmacro %}

{% macro spark__as_of_date_incremental_strategy() -%}
    {{ return('insert_overwrite') }}
{%- endmacro %}

{#- One row per stretch: customer_id, group_set, valid_from_date (the first export
    date of the stretch), is_current (the stretch includes the latest export). A
    stretch is unbroken: the same group set in every export from its first. -#}
{% macro group_history_stretches() -%}
    {%- if group_history_strategy() == 'snapshot' %}
    select
        customer_id,
        group_set,
        cast(dbt_valid_from as date) as valid_from_date,
        dbt_valid_to is null as is_current
    from {{ ref('snp_customer_groups') }}
    {%- else %}
    select
        customer_id,
        group_set,
        valid_from_date,
        is_current
    from {{ ref('int_customer_group_stretches') }}
    {%- endif %}
{%- endmacro %}

{#- Databricks has Delta: the snapshot works there (dbt-databricks falls back to
    spark__ macros otherwise). -#}
{% macro databricks__group_history_strategy() -%}
    {{ return('snapshot') }}
{%- endmacro %}
