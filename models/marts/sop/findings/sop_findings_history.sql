-- The findings history: append-only, one row per (customer, rule) per as-of date
-- the rule hit, in the carried schema juvonno_history (copied into every run's
-- private build, published with the marts, so a killed run changes nothing).
-- Each row carries its finding's lifecycle as of that date: `new` when the
-- previous run of the instance (the latest earlier as-of date) did not hit this
-- customer and rule, else `persisting` with the previous row's first_seen.
-- A same-date re-run replaces that date's rows (pre-hook + delete+insert; on
-- Spark a dropped partition + insert_overwrite: as_of_date_incremental_strategy()).

{{
    config(
        materialized='incremental',
        schema='history',
        incremental_strategy=as_of_date_incremental_strategy(),
        unique_key='as_of_date',
        partition_by=['as_of_date'],
        full_refresh=false,
        on_schema_change='append_new_columns',
        pre_hook="{{ delete_findings_from_as_of(this) }}",
    )
}}

with

violations as (

    select
        customer_id,
        chart_num,
        rule_id,
        rule_order,
        rule_title,
        severity,
        group_name,
        expected_group,
        detail,
        action,
        as_of_date
    from {{ ref('sop_violations') }}

),

{% if is_incremental() %}

earlier_runs as (

    {{ earlier_run_dates(this) }}

),

previous_run as (

    select max(as_of_date) as as_of_date from earlier_runs

),

previous_findings as (

    select
        history.customer_id,
        history.rule_id,
        history.first_seen
    from {{ this }} as history
    inner join previous_run
        on history.as_of_date = previous_run.as_of_date

),

{% else %}

previous_findings as (

    select
        cast(null as {{ dbt.type_bigint() }}) as customer_id,
        cast(null as {{ dbt.type_string() }}) as rule_id,
        cast(null as date) as first_seen
    where 1 = 0

),

{% endif %}

final as (

    select
        violations.customer_id,
        violations.chart_num,
        violations.rule_id,
        violations.rule_order,
        violations.rule_title,
        violations.severity,
        violations.group_name,
        violations.expected_group,
        violations.detail,
        violations.action,
        violations.as_of_date,
        case when previous_findings.customer_id is null then 'new' else 'persisting' end as status,
        coalesce(previous_findings.first_seen, violations.as_of_date) as first_seen,
        cast('{{ run_id() }}' as {{ dbt.type_string() }}) as run_id
    from violations
    left join previous_findings
        on violations.customer_id = previous_findings.customer_id
        and violations.rule_id = previous_findings.rule_id

)

select * from final
