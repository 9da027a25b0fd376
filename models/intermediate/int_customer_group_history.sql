-- Group history without snapshots (group_history = append): every non-deleted
-- customer's group set at every as-of date, one partition per date. A re-run of
-- the same date replaces that date's rows; history moves forward (the runner
-- refuses an earlier date). Lives beside the snapshot, so runs carry it over.

{{
    config(
        enabled=group_history_strategy() == 'append',
        schema='snapshots',
        materialized='incremental',
        incremental_strategy=as_of_date_incremental_strategy(),
        unique_key='as_of_date',
        partition_by=['as_of_date'],
        on_schema_change='fail',
    )
}}

with

group_sets as (

    select
        customer_id,
        group_set,
        cast(as_of_at as date) as as_of_date
    from {{ ref('int_customer_group_sets') }}

)

select * from group_sets
