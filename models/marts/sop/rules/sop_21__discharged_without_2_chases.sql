-- SOP-21 Discharged without 2 chase attempts: group is Discharged and chase_attempts < 2.

with

facts as (

    select * from {{ ref('int_customer_facts') }}

),

hits as (

    select
        customer_id,
        'Discharged' as group_name,
        cast(null as {{ dbt.type_string() }}) as expected_group,
        'Discharged with ' || {{ txt('chase_attempts') }} || ' chase attempt(s) after ' || {{ txt('chase_since_date') }} as detail
    from facts
    where in_discharged
        and chase_attempts < 2

)

select * from hits
