-- SOP-101 Gap of more than 3 months since the last session: group is Therapy and
-- therapy_attended >= 1 and last_therapy_attended_date is more than 3 months ago.
-- Expected: Discharged when chase_attempts >= 2, else none.

with

facts as (

    select * from {{ ref('int_customer_facts') }}

),

hits as (

    select
        customer_id,
        'Therapy' as group_name,
        case when chase_attempts >= 2 then 'Discharged' end as expected_group,
        'last therapy session ' || {{ txt('last_therapy_attended_date') }} || ' (before ' || {{ txt(three_months_before()) }} || ')' || '; ' || {{ txt('chase_attempts') }} || ' chase attempt(s) since ' || {{ txt('chase_since_date') }} as detail
    from facts
    where in_therapy
        and therapy_attended >= 1
        and last_therapy_attended_date < {{ three_months_before() }}

)

select * from hits
