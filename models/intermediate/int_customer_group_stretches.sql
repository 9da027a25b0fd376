-- The append-only group history as stretches (gaps and islands): one row per
-- unbroken run of exports in which a customer had the same group set, as the
-- snapshot's records are. An export without the customer breaks the stretch.

{{ config(enabled=group_history_strategy() == 'append') }}

with

history as (

    select customer_id, group_set, as_of_date
    from {{ ref('int_customer_group_history') }}

),

exports as (

    select
        as_of_date,
        dense_rank() over (order by as_of_date) as export_number
    from (select distinct as_of_date from history) as export_dates

),

latest_export as (

    select max(export_number) as export_number
    from exports

),

numbered as (

    select
        history.customer_id,
        history.group_set,
        history.as_of_date,
        exports.export_number,
        exports.export_number - row_number() over (
            partition by history.customer_id, history.group_set
            order by history.as_of_date
        ) as island
    from history
    inner join exports
        on history.as_of_date = exports.as_of_date

),

stretches as (

    select
        customer_id,
        group_set,
        island,
        min(as_of_date) as valid_from_date,
        max(export_number) as last_export_number
    from numbered
    group by customer_id, group_set, island

),

final as (

    select
        stretches.customer_id,
        stretches.group_set,
        stretches.valid_from_date,
        stretches.last_export_number = latest_export.export_number as is_current
    from stretches
    cross join latest_export

)

select * from final
