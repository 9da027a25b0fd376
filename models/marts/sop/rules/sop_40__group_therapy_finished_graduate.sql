-- SOP-40 Finished group therapy: graduate: group is Group Therapy and group_programme_finished
-- and group_attended > 2.

with

facts as (

    select * from {{ ref('int_customer_facts') }}

),

hits as (

    select
        customer_id,
        'Group Therapy' as group_name,
        'Graduated' as expected_group,
        'group programme started ' || {{ txt('group_start_date') }} || ' (finished), ' || {{ txt('group_attended') }} || ' sessions attended' as detail
    from facts
    where in_group_therapy
        and group_programme_finished
        and group_attended > 2

)

select * from hits
