-- One row per non-deleted customer: the date it entered its current group set,
-- from the group history (the snapshot, or the append-only history on Spark:
-- macros/history/group_history.sql). The current record's valid_from date, but the
-- customer's created date when that record starts at the customer's first
-- snapshot date (the first export it appears in). When the snapshot has no
-- current record for the customer's current group set (e.g. `dbt run` without
-- the snapshot), created_date stands in.

with

customers as (

    select
        customer_id,
        created_date
    from {{ ref('stg_juvonno__customers') }}
    where not is_deleted

),

group_sets as (

    select
        customer_id,
        group_set
    from {{ ref('int_customer_group_sets') }}

),

history as (
    {{ group_history_stretches() }}

),

first_seen as (

    select
        customer_id,
        min(valid_from_date) as first_snapshot_date
    from history
    group by customer_id

),

current_records as (

    select
        customer_id,
        group_set,
        valid_from_date
    from history
    where is_current

),

final as (

    select
        customers.customer_id,
        customers.created_date,
        current_records.valid_from_date as current_stretch_start_date,
        first_seen.first_snapshot_date,
        case
            when current_records.valid_from_date is null then customers.created_date
            when current_records.valid_from_date = first_seen.first_snapshot_date then customers.created_date
            else current_records.valid_from_date
        end as entered_group_date
    from customers
    left join group_sets
        on customers.customer_id = group_sets.customer_id
    left join current_records
        on customers.customer_id = current_records.customer_id
        and group_sets.group_set = current_records.group_set
    left join first_seen
        on customers.customer_id = first_seen.customer_id

)

select * from final
