-- One row per customer with iCBT activity: modules started and the latest iCBT
-- activity date, counting only dates on or before D.

with

activities as (

    select * from {{ ref('stg_icbt__module_activities') }}

),

aggregated as (

    select
        customer_id,
        sum(case when started_date <= {{ as_of_date() }} then 1 else 0 end) as icbt_started,
        max(case when started_date <= {{ as_of_date() }} then started_date end) as last_started_date,
        max(case when completed_date <= {{ as_of_date() }} then completed_date end) as last_completed_date,
        max(case when last_activity_date <= {{ as_of_date() }} then last_activity_date end) as last_activity_date
    from activities
    group by customer_id

),

final as (

    select
        customer_id,
        icbt_started,
        {{ null_safe_greatest(['last_started_date', 'last_completed_date', 'last_activity_date']) }}
            as last_icbt_activity_date
    from aggregated

)

select * from final
