import {registry} from "@web/core/registry";
import {stepUtils} from "@web_tour/tour_service/tour_utils";
import {openNotebookPage} from "@customer_relationship/../tests/tours/tour_notebook";

registry.category("web_tour.tours").add("customer_relationship_profile_tour", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Customers app",
            trigger:
                ".o_app[data-menu-xmlid='customer_relationship.menu_customer_root']",
            run: "click",
        },
        {
            content: "The kanban groups customers by RFM segment",
            trigger: ".o_kanban_group:contains('Champions')",
        },
        {
            content: "Open the customer",
            trigger: ".o_kanban_record:contains('Tour Customer 马琳')",
            run: "click",
        },
        {
            content: "Read the RFM segment on the customer's profile",
            trigger:
                ".o_form_view .o_field_widget[name=rfm_segment]:contains('Champions')",
        },
        {
            content: "Read the RFM score",
            trigger: ".o_form_view .o_field_widget[name=rfm_score]:contains('555')",
        },
        {
            content: "Open the customer's contact form",
            trigger:
                ".o_form_view .o_field_widget[name=partner_id] a, .o_form_view .o_field_widget[name=partner_id] .o_form_uri",
            run: "click",
        },
        ...openNotebookPage("Customer Profile"),
        {
            content: "The profile tab shows the segment",
            trigger: ".o_field_widget[name=customer_rfm_segment]:contains('Champions')",
        },
    ],
});
