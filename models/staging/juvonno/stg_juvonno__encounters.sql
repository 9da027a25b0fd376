with

source as (

    select * from {{ source('juvonno', 'encounters') }}

),

encounter_templates as (

    select * from {{ ref('encounter_templates') }}

),

renamed as (

    select

        ----------  ids
        source.id as encounter_id,
        source.customer_id,
        source.staff_id,

        ----------  event from the encounter_templates seed
        trim(source.template_name) as template_name,
        coalesce(encounter_templates.event, 'unknown') as event,

        ----------  dates (a date, or a datetime's wall-clock date)
        {{ wall_clock_date('source.chart_date') }} as chart_date,

        ----------  triage outcomes in the contract's casing; free text otherwise
        case lower(trim(source.outcome))
            when 'therapy' then 'Therapy'
            when 'icbt' then 'iCBT'
            when 'group therapy' then 'Group Therapy'
            when 'sandbox website' then 'Sandbox website'
            when 'external referral' then 'External referral'
            else trim(source.outcome)
        end as outcome

    from source
    left join encounter_templates
        on lower(trim(source.template_name)) = lower(trim(encounter_templates.template_name))

)

select * from renamed
