// Filters for the action plan. Without scripts the plan is shown whole and the filter
// form stays hidden: the report degrades to a plain document.
(function(){
  var form=document.getElementById('filters');
  if(!form){return;}
  form.hidden=false;
  var sev=document.getElementById('f-sev'),area=document.getElementById('f-area'),out=document.getElementById('f-count');
  var groups=document.querySelectorAll('#plan .group');
  function apply(){
    var n=0;
    for(var i=0;i<groups.length;i++){
      var g=groups[i];
      var show=(!sev.value||g.getAttribute('data-sev')===sev.value)&&(!area.value||g.getAttribute('data-area')===area.value);
      g.hidden=!show;
      if(show){n+=parseInt(g.getAttribute('data-count'),10)||0;}
    }
    out.textContent=(out.getAttribute(n===0?'data-t0':n===1?'data-t1':'data-tn')||'').replace('#',n);
  }
  sev.addEventListener('change',apply);area.addEventListener('change',apply);
  // Printing a long report: open the collapsed lists when they are small enough.
  window.addEventListener('beforeprint',function(){
    var d=document.querySelectorAll('#plan details');
    var rows=0;for(var i=0;i<d.length;i++){rows+=d[i].querySelectorAll('tr').length;}
    if(rows<=3000){for(var j=0;j<d.length;j++){d[j].open=true;}}
  });
})();
