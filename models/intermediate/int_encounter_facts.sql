-- One row per customer with encounters on or before D: formal graduation,
-- latest external referral, end-of-services request, latest triage outcome.

with

encounters as (

    select * from {{ ref('stg_juvonno__encounters') }}
    where chart_date <= {{ as_of_date() }}
        and event in ('graduation', 'external_referral', 'end_of_services_request', 'triage_outcome')

),

staff as (

    select
        staff_id,
        staff_type
    from {{ ref('stg_juvonno__staff') }}

),

aggregated as (

    select
        encounters.customer_id,
        sum(
            case
                when encounters.event = 'graduation' and staff.staff_type in ('Therapist', 'Coordinator')
                    then 1
                else 0
            end
        ) > 0 as graduated_formally,
        sum(case when encounters.event = 'graduation' then 1 else 0 end) as graduation_records,
        max(case when encounters.event = 'external_referral' then encounters.chart_date end) as referral_date,
        sum(case when encounters.event = 'end_of_services_request' then 1 else 0 end) > 0 as end_requested
    from encounters
    left join staff
        on encounters.staff_id = staff.staff_id
    group by encounters.customer_id

),

triage_outcomes as (

    select
        customer_id,
        outcome,
        row_number() over (
            partition by customer_id
            order by chart_date desc, encounter_id desc
        ) as recency
    from encounters
    where event = 'triage_outcome'

),

final as (

    select
        aggregated.*,
        triage_outcomes.outcome as triage_outcome
    from aggregated
    left join triage_outcomes
        on aggregated.customer_id = triage_outcomes.customer_id
        and triage_outcomes.recency = 1

)

select * from final
