-- One row per customer with appointments: the appointment facts of sop-rules.md,
-- aggregated in one pass. Attended = class attended and dated on or before D;
-- offered = class attended, missed or booked, whatever the date. Orphan and
-- deleted customers are dropped where the facts are joined to customers.

with

appointments as (

    select
        customer_id,
        service,
        status_class,
        start_date,
        offered_date,
        status_class = 'attended' and start_date <= {{ as_of_date() }} as is_attended,
        status_class in ('attended', 'missed', 'booked') as is_offered
    from {{ ref('stg_juvonno__appointments') }}
    where status_class <> 'deleted'

),

aggregated as (

    select
        customer_id,

        sum(case when is_attended and service = 'therapy' then 1 else 0 end) as therapy_attended,
        min(case when is_attended and service = 'therapy' then start_date end) as first_therapy_attended_date,
        max(case when is_attended and service = 'therapy' then start_date end) as last_therapy_attended_date,
        sum(case when is_offered and service = 'therapy' then 1 else 0 end) as therapy_offers,
        max(case when is_offered and service = 'therapy' then offered_date end) as last_therapy_offer_date,

        sum(case when is_attended and service = 'group_therapy' then 1 else 0 end) as group_attended,
        min(case when is_offered and service = 'group_therapy' then start_date end) as group_start_date,

        max(
            case
                when is_attended and service in ('therapy', 'group_therapy', 'assessment', 'triage')
                    then start_date
            end
        ) as last_attended_engagement_date,

        sum(
            case when status_class = 'booked' and start_date < {{ as_of_date() }} then 1 else 0 end
        ) as booked_past_count,
        min(
            case when status_class = 'booked' and start_date < {{ as_of_date() }} then start_date end
        ) as earliest_booked_past_date

    from appointments
    group by customer_id

),

final as (

    select
        *,
        coalesce(
            group_start_date is not null
            -- the programme's 6 weeks: vars.sop_facts.group_programme_days
            and {{ days_between('group_start_date', as_of_date()) }} >= {{ sop_fact_setting('group_programme_days') }},  -- noqa: LT05
            false
        ) as group_programme_finished
    from aggregated

)

select * from final
