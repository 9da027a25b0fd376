-- SOP-10 Triage for at most 7 days: group is Triage and D - entered_group_date > 7 days.

with

facts as (

    select * from {{ ref('int_customer_facts') }}

),

hits as (

    select
        customer_id,
        'Triage' as group_name,
        cast(null as {{ dbt.type_string() }}) as expected_group,
        'in Triage since ' || {{ txt('entered_group_date') }} || ' (' || {{ txt(days_between('entered_group_date', as_of_date())) }} || ' days)' as detail
    from facts
    where in_triage
        and {{ days_between('entered_group_date', as_of_date()) }} > 7

)

select * from hits
