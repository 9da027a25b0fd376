-- SOP-81 Referred out but still using the service: group is Referred to External Services and
-- last_engagement_date > referral_date. Expected: Therapy when a therapy session was
-- attended after referral_date, else iCBT.

with

facts as (

    select * from {{ ref('int_customer_facts') }}

),

hits as (

    select
        customer_id,
        'Referred to External Services' as group_name,
        case when last_therapy_attended_date > referral_date then 'Therapy' else 'iCBT' end as expected_group,
        'referred ' || {{ txt('referral_date') }} || ', engaged ' || {{ txt('last_engagement_date') }} as detail
    from facts
    where in_referred_to_external_services
        and last_engagement_date > referral_date

)

select * from hits
