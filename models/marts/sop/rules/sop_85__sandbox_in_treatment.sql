-- SOP-85 Sandbox patient in treatment: group is Sandbox and began_treatment.

with

facts as (

    select * from {{ ref('int_customer_facts') }}

),

hits as (

    select
        customer_id,
        'Sandbox' as group_name,
        cast(null as {{ dbt.type_string() }}) as expected_group,
        'Sandbox but treatment began: ' || {{ txt('therapy_attended') }} || ' therapy, ' || {{ txt('group_attended') }} || ' group, ' || {{ txt('icbt_started') }} || ' iCBT module(s)' as detail
    from facts
    where in_sandbox
        and began_treatment

)

select * from hits
