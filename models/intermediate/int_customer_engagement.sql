-- One row per non-deleted customer: last engagement (attended therapy, group
-- therapy, assessment or triage appointment; any iCBT date, all on or before D)
-- and the chase attempts recorded after it (after `created` when never engaged)
-- and on or before D.

with

customers as (

    select
        customer_id,
        created_date
    from {{ ref('stg_juvonno__customers') }}
    where not is_deleted

),

appointment_facts as (

    select
        customer_id,
        last_attended_engagement_date
    from {{ ref('int_appointment_facts') }}

),

icbt_facts as (

    select
        customer_id,
        last_icbt_activity_date
    from {{ ref('int_icbt_facts') }}

),

chases as (

    select
        customer_id,
        chart_date
    from {{ ref('stg_juvonno__encounters') }}
    where event = 'chase_attempt'
        and chart_date <= {{ as_of_date() }}

),

engagement as (

    select
        customers.customer_id,
        customers.created_date,
        {{ null_safe_greatest([
            'appointment_facts.last_attended_engagement_date',
            'icbt_facts.last_icbt_activity_date',
        ]) }} as last_engagement_date
    from customers
    left join appointment_facts
        on customers.customer_id = appointment_facts.customer_id
    left join icbt_facts
        on customers.customer_id = icbt_facts.customer_id

),

chase_counts as (

    select
        engagement.customer_id,
        count(*) as chase_attempts
    from chases
    inner join engagement
        on chases.customer_id = engagement.customer_id
        and chases.chart_date > coalesce(engagement.last_engagement_date, engagement.created_date)
    group by engagement.customer_id

),

final as (

    select
        engagement.customer_id,
        engagement.last_engagement_date,
        coalesce(engagement.last_engagement_date, engagement.created_date) as chase_since_date,
        coalesce(chase_counts.chase_attempts, 0) as chase_attempts
    from engagement
    left join chase_counts
        on engagement.customer_id = chase_counts.customer_id

)

select * from final
