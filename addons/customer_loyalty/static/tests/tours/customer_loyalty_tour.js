import {registry} from "@web/core/registry";
import {openNotebookPage} from "@customer_relationship/../tests/tours/tour_notebook";

registry.category("web_tour.tours").add("customer_loyalty_enrol_tour", {
    steps: () => [
        ...openNotebookPage("Customer Profile"),
        {
            content: "Enrol the customer",
            trigger: ".o_form_view button[name=action_customer_loyalty_enrol]",
            run: "click",
        },
        {
            content: "Choose the membership program",
            trigger: ".modal .o_field_widget[name=program_id] input",
            run: "edit Tour Club",
        },
        {
            content: "Select it",
            trigger: ".o-autocomplete--dropdown-item:contains('Tour Club')",
            run: "click",
        },
        {
            content: "Enrol",
            trigger: ".modal button[name=action_enrol]",
            run: "click",
        },
        {
            content: "The new member is listed",
            trigger: ".o_list_view .o_data_row:contains('Tour Member 林红')",
        },
    ],
});

registry.category("web_tour.tours").add("customer_loyalty_confirm_tour", {
    steps: () => [
        {
            content: "Confirm the quotation",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_confirm]",
            run: "click",
        },
        {
            content: "The order is confirmed",
            trigger:
                ".o_form_view .o_statusbar_status .o_arrow_button_current:contains('Sales Order')",
        },
    ],
});

registry.category("web_tour.tours").add("customer_loyalty_partner_tour", {
    steps: () => [
        ...openNotebookPage("Customer Profile"),
        {
            content: "The customer holds the Gold tier",
            trigger:
                ".o_form_view .o_field_widget[name=customer_loyalty_tier_ids]:contains('Tour Gold')",
        },
        {
            content: "with the points of the order",
            trigger:
                ".o_form_view .o_field_widget[name=customer_loyalty_points]:contains('1,200')",
        },
    ],
});

registry.category("web_tour.tours").add("customer_loyalty_portal_tour", {
    url: "/my",
    steps: () => [
        {
            content: "Open the membership entry of the portal",
            trigger: "a[href='/my/membership']",
            run: "click",
        },
        {
            content: "The member card shows the tier",
            trigger: ".o_customer_membership .o_member_tier:contains('Gold')",
        },
        {
            content: "and the balance",
            trigger: ".o_customer_membership .o_member_balance",
        },
    ],
});
