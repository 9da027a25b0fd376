-- SOP-30 Graduated needs a formal graduation: group is Graduated and not graduated_formally
-- and not (group_programme_finished and group_attended > 2).

with

facts as (

    select * from {{ ref('int_customer_facts') }}

),

hits as (

    select
        customer_id,
        'Graduated' as group_name,
        cast(null as {{ dbt.type_string() }}) as expected_group,
        'Graduated, no formal graduation; ' || {{ txt('therapy_attended') }} || ' therapy sessions; ' || case when group_start_date is null then 'no group programme' else 'group programme started ' || {{ txt('group_start_date') }} || ', ' || {{ txt('group_attended') }} || ' group sessions attended' end as detail
    from facts
    where in_graduated
        and not graduated_formally
        and not (group_programme_finished and group_attended > 2)

)

select * from hits
